// The checklist page: one-tap answers, photos reduced on the phone, colours picked from the
// photo, a draft in IndexedDB from the first tap, and sending to /api/v1/submissions with
// one Idempotency-Key, retried until the server has it (offline, expired sign-in).
(function () {
  "use strict";
  var form = document.querySelector("[data-checklist]");
  if (!form) return;
  var T = JSON.parse(document.getElementById("checklist-strings").textContent);
  var Store = window.MerchStore, Photos = window.MerchPhotos, Colours = window.MerchColours;
  var data = form.dataset;
  var draftKey = [data.user, data.store, data.shift, data.businessDate].join("|");
  var loadedAt = Date.now(), serverNow = Date.parse(data.serverNow);
  var state = { answers: {}, photos: {}, key: form.querySelector("[name=idempotency_key]").value, status: "draft" };
  var cards = {}, pendingWrites = 0, dirty = false, sending = false, nextPhoto = 1;

  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function button(className, text, label) {
    var node = el("button", className, text);
    node.type = "button";
    if (label) node.setAttribute("aria-label", label);
    return node;
  }
  function middle(range) { return Math.round((range[0] + range[1]) / 2); }

  // ---- the draft -------------------------------------------------------------------------
  function save() {
    dirty = true;
    savedHint(false);
    if (!Store) return;
    pendingWrites += 1;
    var record = { answers: state.answers, photos: state.photos, key: state.key, status: state.status,
      sent: state.sent || null, savedAt: Date.now() };
    Store.put(draftKey, record).then(function () {
      pendingWrites -= 1;
      if (!pendingWrites) { dirty = false; savedHint(true); }
    }, function () { pendingWrites -= 1; });
  }
  function savedHint(show) { form.querySelector("[data-saved]").hidden = !show; }

  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = T.leave;
    return T.leave;
  });

  // ---- cards ---------------------------------------------------------------------------
  function emptyAnswer(kind) {
    if (kind === "size_order" || kind === "colour_order") return [[]];
    if (kind === "stack_count" || kind === "count_range") return [];
    return null;
  }

  function stepper(value, label, onChange) {
    var box = el("span", "stepper");
    var less = button("step", "−", T.less), more = button("step", "+", T.more);
    var input = el("input", "count");
    input.type = "number"; input.inputMode = "numeric"; input.min = 0; input.max = 200;
    input.value = value; input.setAttribute("aria-label", label);
    function set(v) { v = Math.max(0, Math.min(200, v)); input.value = v; onChange(v); }
    less.addEventListener("click", function () { set((parseInt(input.value, 10) || 0) - 1); });
    more.addEventListener("click", function () { set((parseInt(input.value, 10) || 0) + 1); });
    input.addEventListener("change", function () { set(parseInt(input.value, 10) || 0); });
    box.append(less, input, more);
    return box;
  }

  function renderRows(card) {
    var list = card.node.querySelector("[data-list]"), rows = state.answers[card.key];
    list.textContent = "";
    rows.forEach(function (row, index) {
      var item = el("li", "row");
      var stack = card.kind === "stack_count";
      var label = stack ? fmt(T.stack, { n: index + 1 }) : fmt(T.style, { n: index + 1 });
      if (!stack) item.append(el("span", "row-label", label));
      if (stack) {
        // "1 · thin": the number and the thickness share one chip, so a row fits 360 px.
        var thick = button("chip thickness");
        var number = el("span", "", (index + 1) + " · ");
        number.setAttribute("aria-hidden", "true");
        thick.append(el("span", "sr-only", label + ", "), number, T[row.thickness]);
        thick.title = T.switch_thickness;
        thick.addEventListener("click", function () {
          row.thickness = row.thickness === "thin" ? "thick" : "thin";
          changed(card);
        });
        item.append(thick);
      }
      item.append(stepper(stack ? row.count : row, label + " · " + T.pieces, function (v) {
        if (stack) row.count = v; else rows[index] = v;
        save();
      }));
      var remove = button("remove", "×", T.remove + " " + label);
      remove.addEventListener("click", function () { rows.splice(index, 1); changed(card); });
      item.append(remove);
      list.append(item);
    });
  }

  function renderGroups(card) {
    var list = card.node.querySelector("[data-list]"), groups = state.answers[card.key];
    var colour = card.kind === "colour_order";
    list.textContent = "";
    groups.forEach(function (group, g) {
      var item = el("li", "group");
      if (groups.length > 1) item.append(el("span", "row-label", fmt(T.group, { n: g + 1 })));
      var line = el("ol", colour ? "swatch-line" : "size-line");
      group.forEach(function (entry, i) {
        var piece = el("li", colour ? "swatch" : "size", colour ? String(i + 1) : entry);
        if (colour) {
          piece.style.background = entry.hex;
          piece.classList.toggle("dark", Colours.lightness(entry.hex) < 55);
          piece.title = fmt(T.colour, { n: i + 1 }) + " " + entry.hex;
          piece.append(el("span", "hex", entry.hex));
        }
        line.append(piece);
      });
      item.append(line);
      list.append(item);
    });
    if (colour) verdict(card);
  }

  function verdict(card) {
    var node = card.node.querySelector("[data-verdict]");
    var direction = card.params.direction || "light_to_dark", tolerance = +(card.params.tolerance || 5);
    var lines = [], any = false;
    state.answers[card.key].forEach(function (group) {
      var hexes = group.map(function (entry) { return entry.hex; });
      if (hexes.length < 2) return;
      any = true;
      Colours.problems(hexes, direction, tolerance).forEach(function (p) {
        lines.push(fmt(direction === "dark_to_light" ? T.darker : T.lighter, {
          later: p.later + 1, later_hex: hexes[p.later], earlier: p.earlier + 1, earlier_hex: hexes[p.earlier] }));
      });
    });
    node.hidden = !any;
    node.className = "verdict " + (lines.length ? "bad" : "good");
    node.textContent = lines.length ? lines.join("\n") : T.order_ok;
  }

  function renderChoice(card) {
    var value = state.answers[card.key];
    card.node.querySelectorAll(".toggle").forEach(function (toggle) {
      toggle.setAttribute("aria-pressed", String(toggle.dataset.value === value));
    });
  }

  function render(card) {
    if (card.kind === "yes_no" || card.kind === "refresh") renderChoice(card);
    else if (card.kind === "stack_count" || card.kind === "count_range") renderRows(card);
    else renderGroups(card);
    if (card.kind === "colour_order") drawPicker(card);
  }

  function changed(card) { clearError(card.node); render(card); save(); }

  function lastGroup(card) {
    var groups = state.answers[card.key];
    return groups[groups.length - 1];
  }

  function setUp(node) {
    var card = { node: node, key: node.dataset.key, kind: node.dataset.kind, area: node.dataset.area,
      params: JSON.parse(node.dataset.params || "{}") };
    cards[card.key] = card;
    state.answers[card.key] = emptyAnswer(card.kind);
    node.querySelectorAll(".toggle").forEach(function (toggle) {
      toggle.addEventListener("click", function () {
        var value = toggle.dataset.value;
        state.answers[card.key] = state.answers[card.key] === value ? null : value;
        changed(card);
      });
    });
    node.querySelectorAll("[data-add]").forEach(function (add) {
      add.addEventListener("click", function () {
        var kind = add.dataset.add, rows = state.answers[card.key];
        if (kind === "style") rows.push(middle([card.params.min || 2, card.params.max || 4]));
        else rows.push({ thickness: kind, count: middle(card.params[kind] || (kind === "thin" ? [4, 6] : [3, 4])) });
        changed(card);
      });
    });
    var sizes = node.querySelector("[data-sizes]");
    if (sizes) {
      T.sizes.forEach(function (size) {
        var chip = button("chip", size);
        chip.addEventListener("click", function () { lastGroup(card).push(size); changed(card); });
        sizes.append(chip);
      });
      var other = node.querySelector("[data-other-size]");
      node.querySelector("[data-add-other]").addEventListener("click", function () {
        var size = other.value.trim();
        if (size) { lastGroup(card).push(size); other.value = ""; changed(card); }
      });
    }
    var undo = node.querySelector("[data-undo]");
    if (undo) undo.addEventListener("click", function () {
      var groups = state.answers[card.key];
      if (lastGroup(card).length) lastGroup(card).pop();
      else if (groups.length > 1) groups.pop();
      changed(card);
    });
    var newGroup = node.querySelector("[data-new-group]");
    if (newGroup) newGroup.addEventListener("click", function () {
      if (lastGroup(card).length) state.answers[card.key].push([]);
      changed(card);
    });
    var palette = node.querySelector("[data-palette]");
    if (palette) {
      T.palette.forEach(function (pair) {
        var chip = button("chip paint", pair[1], pair[1] + " " + pair[0]);
        var dot = el("span", "dot");
        dot.style.background = pair[0];
        chip.prepend(dot);
        chip.addEventListener("click", function () { lastGroup(card).push({ hex: pair[0] }); changed(card); });
        palette.append(chip);
      });
      node.querySelector("[data-open-picker]").addEventListener("click", function () {
        var picker = node.querySelector("[data-picker]");
        if (!areaPhotos(card.area).length) { showError(node, T.photo_first); return; }
        picker.hidden = !picker.hidden;
        drawPicker(card);
      });
      node.querySelector("[data-dropper]").addEventListener("click", function (event) { pick(card, event); });
    }
  }

  // ---- photos --------------------------------------------------------------------------
  function areaPhotos(area) { return state.photos[area] || (state.photos[area] = []); }

  function photoCard(area) { return document.getElementById("photo-" + area); }

  function renderPhotos(area) {
    var list = photoCard(area).querySelector("[data-previews]");
    list.textContent = "";
    areaPhotos(area).forEach(function (photo, index) {
      var item = el("li", "preview");
      var label = fmt(T.photo, { n: index + 1 });
      if (photo.reduced || /jpe?g|png|webp/i.test(photo.blob.type)) {
        var img = el("img");
        img.alt = label;
        img.src = URL.createObjectURL(photo.blob);
        img.onload = function () { URL.revokeObjectURL(img.src); };
        item.append(img);
      } else {
        item.append(el("span", "no-preview", photo.name + " · " + T.no_preview));
      }
      var remove = button("remove", "×", T.remove + " " + label);
      remove.addEventListener("click", function () {
        areaPhotos(area).splice(index, 1);
        renderPhotos(area);
        save();
      });
      item.append(remove);
      list.append(item);
    });
    Object.keys(cards).forEach(function (key) {
      if (cards[key].kind === "colour_order" && cards[key].area === area) drawPicker(cards[key]);
    });
  }

  // A file this browser cannot decode (HEIC outside Safari) is reduced by the server once;
  // its JPEG is both the preview and what goes up with the checklist.
  function viaServer(file) { return Photos.serverPreview(data.preview, csrf, file); }
  var previewing = [];
  function previewPending() {
    Object.keys(state.photos).forEach(function (area) {
      areaPhotos(area).forEach(function (photo) {
        if (photo.reduced || previewing.indexOf(photo) >= 0 || state.sent || navigator.onLine === false) return;
        previewing.push(photo);
        var done = function () { previewing.splice(previewing.indexOf(photo), 1); };
        viaServer(photo.blob).then(function (result) {
          done();
          if (state.sent) return;
          photo.blob = result.blob; photo.reduced = true; photo.width = result.width; photo.height = result.height;
          photo.name = area + "-" + photo.id + ".jpg";
          renderPhotos(area);
          save();
        }, done);
      });
    });
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches("[data-photo-input]")) return;
    var area = input.closest("[data-photo-card]").dataset.area;
    var files = Array.prototype.slice.call(input.files);
    input.value = "";
    clearError(photoCard(area));
    Promise.all(files.map(function (file) { return Photos.reduce(file, viaServer); })).then(function (results) {
      results.forEach(function (result, i) {
        var name = result.reduced ? area + "-" + nextPhoto + ".jpg" : files[i].name;
        areaPhotos(area).push({ id: nextPhoto++, blob: result.blob, name: name, reduced: result.reduced,
          width: result.width, height: result.height });
      });
      renderPhotos(area);
      save();
      // With the photo taken, the colour cards of this area open their eyedropper.
      Object.keys(cards).forEach(function (key) {
        var card = cards[key];
        if (card.kind === "colour_order" && card.area === area) {
          card.node.querySelector("[data-picker]").hidden = false;
          drawPicker(card);
        }
      });
    });
  });

  // The eyedropper: the area's latest photo on a canvas; a tap takes the median colour of a
  // 5×5 patch there and numbers the spot on the photo.
  function drawPicker(card) {
    var canvas = card.node.querySelector("[data-dropper]");
    var picker = card.node.querySelector("[data-picker]");
    var photos = areaPhotos(card.area).filter(function (p) { return p.reduced || /jpe?g|png|webp/i.test(p.blob.type); });
    var photo = photos[photos.length - 1];
    if (!photo) { picker.hidden = true; return; }
    if (picker.hidden) return;
    var token = (canvas.token || 0) + 1;
    canvas.token = token;
    Photos.decode(photo.blob).then(function (image) {
      if (canvas.token !== token) return;
      var w = image.width || image.naturalWidth, h = image.height || image.naturalHeight;
      var scale = Math.min(1, 800 / Math.max(w, h));
      canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.photoId = photo.id;
      canvas.pixels = context.getImageData(0, 0, canvas.width, canvas.height);
      marks(card, context);
    }, function () { picker.hidden = true; });
  }

  function marks(card, context) {
    var canvas = context.canvas, radius = Math.max(12, canvas.width / 30);
    state.answers[card.key].forEach(function (group) {
      group.forEach(function (entry, i) {
        if (entry.photo !== canvas.photoId) return;
        var x = entry.x * canvas.width, y = entry.y * canvas.height;
        context.beginPath(); context.arc(x, y, radius, 0, 2 * Math.PI);
        context.fillStyle = "rgba(0,0,0,.6)"; context.fill();
        context.lineWidth = 3; context.strokeStyle = "#fff"; context.stroke();
        context.fillStyle = "#fff"; context.font = "bold " + Math.round(radius) + "px sans-serif";
        context.textAlign = "center"; context.textBaseline = "middle";
        context.fillText(String(i + 1), x, y);
      });
    });
  }

  function pick(card, event) {
    var canvas = event.currentTarget;
    if (!canvas.pixels) return;
    var rect = canvas.getBoundingClientRect();
    var x = (event.clientX - rect.left) * canvas.width / rect.width;
    var y = (event.clientY - rect.top) * canvas.height / rect.height;
    var context = canvas.getContext("2d", { willReadFrequently: true });
    context.putImageData(canvas.pixels, 0, 0);  // sample the photo, not the numbered marks
    var hex = Photos.sample(context, x, y, 2);
    lastGroup(card).push({ hex: hex, photo: canvas.photoId, x: x / canvas.width, y: y / canvas.height });
    clearError(card.node);
    renderGroups(card);
    marks(card, context);
    save();
  }

  // ---- answers as the API takes them ---------------------------------------------------
  function payloadAnswers() {
    var answers = {};
    Object.keys(cards).forEach(function (key) {
      var card = cards[key], value = state.answers[key];
      if (card.kind === "yes_no" || card.kind === "refresh") {
        if (value === "na") answers[key] = { na: true };
        else if (value) answers[key] = card.kind === "refresh" ? { changed_today: value === "yes" } : { ok: value === "yes" };
      } else if (card.kind === "stack_count") {
        if (value.length) answers[key] = { stacks: value.map(function (r) { return { thickness: r.thickness, count: r.count }; }) };
      } else if (card.kind === "count_range") {
        if (value.length) answers[key] = { counts: value.slice() };
      } else {
        var groups = value.map(function (group) {
          return group.map(function (entry) { return card.kind === "colour_order" ? entry.hex : entry; });
        }).filter(function (group) { return group.length; });
        var field = card.kind === "colour_order" ? "colours" : "sizes";
        if (groups.length === 1) { answers[key] = {}; answers[key][field] = groups[0]; }
        else if (groups.length > 1) answers[key] = { groups: groups };
      }
    });
    return answers;
  }

  // Everything the phone can check itself, shown at once next to each field.
  function checkAll() {
    var found = {};
    Object.keys(cards).forEach(function (key) {
      var card = cards[key];
      if (card.kind !== "size_order" && card.kind !== "colour_order") return;
      var short = state.answers[key].some(function (group) { return group.length === 1; });
      if (short) found["answers." + key] = card.kind === "size_order" ? T.need_two_sizes : T.need_two_colours;
    });
    return found;
  }

  function unanswered(answers) {
    return Object.keys(cards).filter(function (key) { return !answers[key]; }).length;
  }
  function missingPhotos() {
    return Array.prototype.filter.call(form.querySelectorAll("[data-photo-card][data-required]"), function (node) {
      return !areaPhotos(node.dataset.area).length;
    }).length;
  }

  // ---- errors --------------------------------------------------------------------------
  function showError(node, message) {
    var slot = node.querySelector("[data-error]");
    slot.textContent = message;
    slot.hidden = false;
    node.classList.add("invalid");
  }
  function clearError(node) {
    var slot = node.querySelector("[data-error]");
    if (slot) { slot.hidden = true; slot.textContent = ""; }
    node.classList.remove("invalid");
  }
  function clearErrors() {
    form.querySelectorAll(".invalid").forEach(clearError);
    var top = form.querySelector("[data-form-error]");
    top.hidden = true;
  }
  function targetOf(field) {
    if (!field) return null;
    var match = /^answers\.([^.[]+)/.exec(field);
    if (match && cards[match[1]]) return cards[match[1]].node;
    match = /^photo\.(.+)$/.exec(field);
    if (match) return photoCard(cards[match[1]] ? cards[match[1]].area : match[1]);
    return null;
  }
  function showErrors(errors) {
    var first = null, shown = [];
    Object.keys(errors).forEach(function (field) {
      var node = targetOf(field), slot = node ? node.querySelector("[data-error]") : form.querySelector("[data-form-error]");
      // Two problems on one card (a photo and an answer of one area) are both shown.
      var text = shown.indexOf(slot) >= 0 ? slot.textContent + "\n" + errors[field] : errors[field];
      shown.push(slot);
      if (node) showError(node, text);
      else { slot.textContent = text; slot.hidden = false; node = slot; }
      first = first || node;
    });
    if (first) first.scrollIntoView({ block: "center" });
  }

  // ---- sending -------------------------------------------------------------------------
  var statusBox = form.querySelector("[data-status]");
  function status(text, options) {
    options = options || {};
    statusBox.hidden = !text;
    statusBox.querySelector("[data-status-text]").textContent = text || "";
    statusBox.querySelector("[data-signin]").hidden = !options.signin;
    var bar = statusBox.querySelector("[data-progress]");
    bar.hidden = options.progress === undefined;
    if (options.progress !== undefined) bar.value = options.progress;
    statusBox.dataset.state = options.state || "";
  }
  function lock(locked) {
    form.querySelectorAll("fieldset, [data-photo-input], [data-submit]").forEach(function (node) { node.disabled = locked; });
  }

  function completedAt() {
    return new Date(serverNow + (Date.now() - loadedAt)).toISOString();
  }

  function csrf() { return form.querySelector("[name=csrf_token]").value; }
  function freshToken() {
    return fetch(window.location.pathname, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      var match = /name="csrf_token" type="hidden" value="([^"]+)"/.exec(html);
      if (!match) throw new Error("no token");
      form.querySelector("[name=csrf_token]").value = match[1];
    });
  }

  function send() {
    if (sending || !state.sent) return;
    if (navigator.onLine === false) { waiting(); return; }
    sending = true;
    lock(true);
    var body = new FormData();
    body.append("payload", state.sent.payload);
    Object.keys(state.photos).forEach(function (area) {
      state.photos[area].forEach(function (photo) { body.append("photo." + area, photo.blob, photo.name); });
    });
    var xhr = new XMLHttpRequest();
    xhr.open("POST", data.api);
    xhr.setRequestHeader("Idempotency-Key", state.key);
    xhr.setRequestHeader("X-CSRFToken", csrf());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("Accept-Language", data.language);
    status(fmt(T.sending, { percent: 0 }), { progress: 0 });
    statusBox.scrollIntoView({ block: "center" });
    xhr.upload.onprogress = function (event) {
      if (!event.lengthComputable) return;
      var percent = Math.round(100 * event.loaded / event.total);
      status(fmt(T.sending, { percent: percent }), { progress: percent });
    };
    xhr.onerror = xhr.ontimeout = function () { sending = false; waiting(); };
    xhr.onload = function () {
      sending = false;
      var answer = null;
      try { answer = JSON.parse(xhr.responseText); } catch (e) { answer = null; }
      if ((xhr.status === 200 || xhr.status === 201) && answer && answer.id) {
        dirty = false;
        var go = function () { window.location.assign(data.result.replace(/0$/, String(answer.id))); };
        if (Store) Store.remove(draftKey).then(go, go); else go();
        return;
      }
      var error = (answer && answer.error) || {};
      if (xhr.status === 401) {
        state.status = "signin"; save();
        status(T.signin, { signin: true, state: "signin" });
        return;
      }
      if (error.code === "csrf_failed" && !state.freshToken) {
        // A page kept by the service worker may carry an old token: fetch today's and retry.
        state.freshToken = true;
        freshToken().then(send, function () { waiting(); });
        return;
      }
      if (!answer || xhr.status >= 500) { waiting(T.failed); return; }
      if (error.code === "idempotency_key_reused") {
        state.key = uuid(); save(); send(); return;
      }
      // A refusal: nothing was stored; the answers and photos stay for correcting.
      state.sent = null; state.status = "draft"; save();
      lock(false); status("");
      if (error.code === "already_submitted") { window.location.reload(); return; }
      // Every problem the server found (``errors``), each next to its field; a server that
      // lists none still names the first in ``error``.
      var errors = {};
      ((answer && answer.errors && answer.errors.length) ? answer.errors : [error]).forEach(function (one) {
        var field = one.field || "form", message = one.message || T.failed;
        errors[field] = errors[field] ? errors[field] + "\n" + message : message;
      });
      showErrors(errors);
    };
    xhr.send(body);
  }

  function waiting(text) {
    state.status = "waiting"; save();
    lock(true);
    status(text || T.waiting, { state: "waiting" });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (state.sent) { send(); return; }
    clearErrors();
    var problems = checkAll();
    if (Object.keys(problems).length) {
      showErrors(problems);
      var top = form.querySelector("[data-form-error]");
      top.textContent = T.fix_marked; top.hidden = false;
      return;
    }
    var answers = payloadAnswers(), items = unanswered(answers), photos = missingPhotos();
    if ((items || photos) && !window.confirm(fmt(T.incomplete, { items: items, photos: photos }))) return;
    // A supervisor's visit names the shop visited (api.md, "Visits"); undefined is left out.
    state.sent = { payload: JSON.stringify({ shift: data.shift, business_date: data.businessDate,
      completed_at: completedAt(), answers: answers, store: data.shift === "visit" ? data.store : undefined }) };
    state.status = "sending";
    save();
    send();
  });

  function retry() { if (state.sent && state.status !== "signin") send(); }
  window.addEventListener("online", retry);
  window.addEventListener("online", previewPending);
  window.setInterval(function () { if (navigator.onLine !== false) retry(); }, 15000);

  // ---- start ---------------------------------------------------------------------------
  data.result = form.dataset.resultUrl;
  form.querySelectorAll("fieldset.rule").forEach(setUp);
  function start(record) {
    if (record) {
      Object.keys(cards).forEach(function (key) {
        if (record.answers && key in record.answers && record.answers[key] !== undefined) state.answers[key] = record.answers[key];
      });
      state.photos = record.photos || {};
      state.key = record.key || state.key;
      state.sent = record.sent;
      state.status = record.status || "draft";
      Object.keys(state.photos).forEach(function (area) {
        state.photos[area].forEach(function (photo) { nextPhoto = Math.max(nextPhoto, photo.id + 1); });
      });
    }
    Object.keys(cards).forEach(function (key) { render(cards[key]); });
    form.querySelectorAll("[data-photo-card]").forEach(function (node) { renderPhotos(node.dataset.area); });
    form.classList.add("ready");
    previewPending();
    // A checklist that waited (offline, or for a new sign-in) goes now.
    if (state.sent) send();
  }
  if (Store) {
    Store.prune(data.user + "|" + data.store + "|", new Date(serverNow - 2 * 86400000).toISOString().slice(0, 10)).catch(function () {});
    Store.get(draftKey).then(start, function () { Store = null; start(null); });
  } else start(null);

  // Installable and opening offline: the worker keeps the shell and today's checklists.
  if ("serviceWorker" in navigator && data.worker) {
    navigator.serviceWorker.register(data.worker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      if (registration.active) registration.active.postMessage("keep-pages");
    }).catch(function () {});
  }
})();
