// Photos on the phone: decode (HEIC too where the browser can), turn upright, shrink to a
// long side of 1600 px and save as JPEG before upload; sample colours for the eyedropper.
(function () {
  "use strict";
  var LONG_SIDE = 1600, MAX_BYTES = 400000, QUALITIES = [0.82, 0.7, 0.55, 0.4, 0.25];

  function decode(file) {
    // createImageBitmap applies the EXIF orientation; an <img> is the fallback decoder.
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () { return viaImage(file); });
    }
    return viaImage(file);
  }

  function viaImage(file) {
    return new Promise(function (resolve, reject) {
      var img = new Image(), url = URL.createObjectURL(file);
      img.onload = function () { resolve(img); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("cannot decode")); };
      img.src = url;
    });
  }

  // JPEG at falling quality until it fits MAX_BYTES (a grainy low-light shot compresses badly).
  function encode(canvas, step) {
    return new Promise(function (resolve) {
      canvas.toBlob(resolve, "image/jpeg", QUALITIES[step]);
    }).then(function (blob) {
      if (!blob || blob.size <= MAX_BYTES || step === QUALITIES.length - 1) return blob;
      return encode(canvas, step + 1);
    });
  }

  // {blob, width, height, reduced}. When this browser cannot decode the file (an iPhone's
  // HEIC in Chromium or Firefox), ``fallback(file)`` may turn it into a reduced JPEG (the
  // server's preview); failing that, the original file (the server still takes it).
  function reduce(file, fallback) {
    return decode(file).then(function (image) {
      var w = image.width || image.naturalWidth, h = image.height || image.naturalHeight;
      var scale = Math.min(1, LONG_SIDE / Math.max(w, h));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      if (image.close) image.close();
      return encode(canvas, 0).then(function (blob) {
        if (!blob) return { blob: file, width: w, height: h, reduced: false };
        return { blob: blob, width: canvas.width, height: canvas.height, reduced: true };
      });
    }, function () {
      if (!fallback) throw new Error("cannot decode");
      return fallback(file);
    }).catch(function () {
      return { blob: file, width: 0, height: 0, reduced: false };
    });
  }

  // The server's reduced JPEG of a file this browser cannot decode: {blob, width, height, reduced}.
  function serverPreview(url, csrf, file) {
    var body = new FormData();
    body.append("photo", file, file.name || "photo");
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Accept": "image/jpeg" } }).then(function (response) {
      if (!response.ok) throw new Error("no preview");
      return response.blob().then(function (blob) {
        return { blob: blob, reduced: true, width: +response.headers.get("X-Image-Width") || 0,
          height: +response.headers.get("X-Image-Height") || 0 };
      });
    });
  }

  // The median of each channel over a (2r+1)² patch: one pixel of a weave or a shadow
  // does not decide a garment's colour.
  function sample(context, x, y, radius) {
    var r = radius || 2, size = 2 * r + 1;
    var left = Math.max(0, Math.min(context.canvas.width - size, Math.round(x) - r));
    var top = Math.max(0, Math.min(context.canvas.height - size, Math.round(y) - r));
    var data = context.getImageData(left, top, size, size).data;
    var channels = [[], [], []];
    for (var i = 0; i < data.length; i += 4) {
      channels[0].push(data[i]); channels[1].push(data[i + 1]); channels[2].push(data[i + 2]);
    }
    return "#" + channels.map(function (values) {
      values.sort(function (a, b) { return a - b; });
      var hex = values[values.length >> 1].toString(16).toUpperCase();
      return hex.length < 2 ? "0" + hex : hex;
    }).join("");
  }

  window.MerchPhotos = { reduce: reduce, decode: decode, sample: sample, serverPreview: serverPreview };
})();
