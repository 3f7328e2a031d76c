// The checklist page: steppers, added rows, tap-to-build sizes, colour swatches, photo
// previews, and submitting with fetch() so a refused answer never costs the photos taken.
(function () {
  "use strict";
  var form = document.querySelector("[data-checklist]");
  if (!form) return;

  form.addEventListener("click", function (event) {
    var step = event.target.closest(".step");
    if (step) {
      var input = step.parentNode.querySelector("input");
      var value = parseInt(input.value, 10);
      if (isNaN(value)) value = 0;
      value = Math.max(0, Math.min(200, value + parseInt(step.dataset.step, 10)));
      input.value = value;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
    var add = event.target.closest("[data-add-row]");
    if (add) {
      var rows = add.previousElementSibling;
      var last = rows.querySelector("[data-row]:last-child");
      var copy = last.cloneNode(true);
      var number = rows.querySelectorAll("[data-row]").length + 1;
      copy.querySelectorAll("input").forEach(function (input) {
        if (input.type === "color") input.value = "#ffffff"; else input.value = "";
      });
      var label = copy.querySelector(".row-label");
      if (label) label.textContent = label.textContent.replace(/\d+/, String(number));
      rows.appendChild(copy);
      var first = copy.querySelector("input:not([type=color])");
      if (first) first.focus();
      return;
    }
    var chip = event.target.closest("[data-size]");
    if (chip) {
      var field = chip.closest(".card").querySelector(".sizes");
      field.value = field.value ? field.value.replace(/[,\s]+$/, "") + ", " + chip.dataset.size : chip.dataset.size;
      return;
    }
    var clear = event.target.closest("[data-size-clear]");
    if (clear) clear.closest(".card").querySelector(".sizes").value = "";
  });

  form.addEventListener("input", function (event) {
    if (event.target.matches("[data-swatch]")) {
      event.target.parentNode.querySelector(".hex").value = event.target.value.toUpperCase();
    } else if (event.target.matches(".hex") && /^#[0-9a-fA-F]{6}$/.test(event.target.value)) {
      event.target.parentNode.querySelector("[data-swatch]").value = event.target.value.toLowerCase();
    }
  });

  form.addEventListener("change", function (event) {
    if (!event.target.matches("[data-photo-input]")) return;
    var previews = event.target.closest(".card").querySelector("[data-previews]");
    previews.textContent = "";
    Array.prototype.forEach.call(event.target.files, function (file) {
      var figure = document.createElement("figure");
      var img = document.createElement("img");
      img.alt = file.name;
      img.src = URL.createObjectURL(file);
      img.onload = function () { URL.revokeObjectURL(img.src); };
      figure.appendChild(img);
      previews.appendChild(figure);
    });
  });

  function clearErrors() {
    form.querySelectorAll(".js-error").forEach(function (node) { node.remove(); });
    form.querySelectorAll(".invalid").forEach(function (node) { node.classList.remove("invalid"); });
    var top = form.querySelector("[data-form-error]");
    top.hidden = true;
    top.textContent = "";
  }

  function showErrors(errors) {
    var firstCard = null;
    Object.keys(errors).forEach(function (target) {
      var card = null;
      if (target.indexOf("photo.") === 0) {
        var area = document.getElementById("area-" + target.slice(6));
        card = area && area.querySelector(".photo");
      } else if (target !== "form") {
        card = document.getElementById("rule-" + target);
      }
      if (!card) {
        var top = form.querySelector("[data-form-error]");
        top.textContent = errors[target];
        top.hidden = false;
        firstCard = firstCard || top;
        return;
      }
      var message = document.createElement("p");
      message.className = "error js-error";
      message.setAttribute("role", "alert");
      message.textContent = errors[target];
      card.classList.add("invalid");
      card.insertBefore(message, card.firstElementChild && card.firstElementChild.tagName === "LEGEND" ? card.firstElementChild.nextSibling : card.firstChild);
      firstCard = firstCard || card;
    });
    if (firstCard) firstCard.scrollIntoView({ behavior: "smooth", block: "center" });
  }

  // Counting what is still open before sending: an unanswered item or a missing photo
  // scores 0, and a tap on "submit" too early should not cost the shop its score.
  function unanswered() {
    var count = 0;
    form.querySelectorAll("fieldset.rule").forEach(function (card) {
      var answered = Array.prototype.some.call(card.querySelectorAll("input, select"), function (input) {
        if (input.type === "radio") return input.checked;
        if (input.type === "color" || input.tagName === "SELECT") return false;
        return input.value.trim() !== "";
      });
      if (!answered) count += 1;
    });
    return count;
  }

  function missingPhotos() {
    var count = 0;
    form.querySelectorAll("[data-photo-input][data-required]").forEach(function (input) {
      if (!input.files || input.files.length === 0) count += 1;
    });
    return count;
  }

  form.addEventListener("submit", function (event) {
    var items = unanswered(), photos = missingPhotos();
    if ((items || photos) && form.dataset.incompleteMessage) {
      var question = form.dataset.incompleteMessage.replace("%(items)s", items).replace("%(photos)s", photos);
      if (!window.confirm(question)) { event.preventDefault(); return; }
    }
    if (!window.fetch || !window.FormData) return; // the plain form post still works
    event.preventDefault();
    var button = form.querySelector("[data-submit]");
    button.disabled = true;
    clearErrors();
    fetch(form.action || window.location.href, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      // A page that is not JSON (a proxy's error page, say) is an error, not "offline".
      return response.json().catch(function () {
        return { errors: { form: form.dataset.failedMessage } };
      }).then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (result.body.redirect) { window.location.assign(result.body.redirect); return; }
      showErrors(result.body.errors || { form: "?" });
      button.disabled = false;
    }).catch(function () {
      showErrors({ form: form.dataset.offlineMessage || "Network error: your answers are still here. Try again." });
      button.disabled = false;
    });
  });
})();
