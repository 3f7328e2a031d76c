// The colour order check before sending, mirroring merch/scoring: CIE L* (sRGB, D65);
// light_to_dark fails when a colour is lighter than any before it by more than the tolerance.
(function () {
  "use strict";

  function lightness(hex) {
    var y = [1, 3, 5].map(function (start, i) {
      var c = parseInt(hex.substr(start, 2), 16) / 255;
      c = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
      return c * [0.2126729, 0.7151522, 0.072175][i];
    }).reduce(function (a, b) { return a + b; }, 0);
    var f = y > 216 / 24389 ? Math.cbrt(y) : (24389 / 27 * y + 16) / 116;
    return 116 * f - 16;
  }

  // Every problem in one group as {later, earlier} (zero-based), naming, like the server,
  // the darkest earlier colour (light_to_dark) or the lightest one (dark_to_light).
  function problems(colours, direction, tolerance) {
    var sign = direction === "dark_to_light" ? -1 : 1, found = [];
    var values = colours.map(lightness);
    for (var j = 1; j < colours.length; j++) {
      var other = 0;
      for (var i = 1; i < j; i++) if (sign * (values[i] - values[other]) < 0) other = i;
      if (sign * (values[j] - values[other]) > tolerance) found.push({ later: j, earlier: other });
    }
    return found;
  }

  window.MerchColours = { lightness: lightness, problems: problems };
})();
