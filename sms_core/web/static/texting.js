// The texting screens' one script (the Content-Security-Policy allows only files like this).
// htmx swaps no 4xx answer by default; a form marked data-swap-refusals shows the refusal page
// (the typed error's message) in place of the form, as it would without htmx.
document.addEventListener("htmx:beforeSwap", function (event) {
  var source = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (source && source.hasAttribute && source.hasAttribute("data-swap-refusals")) {
    if (event.detail.xhr.status >= 400 && event.detail.xhr.status < 500) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  }
});

// Send later: the time typed is the recruiter's own. The hidden utc_offset field gets the
// browser's offset from UTC for the typed date (Date.getTimezoneOffset(), in minutes, positive
// west of UTC), and the server reads the time with it; with no script the field stays empty
// and the time is read in UTC, as the page then says.
(function () {
  var field = document.getElementById("send_at");
  var offset = document.getElementById("utc_offset");
  if (!field || !offset) {
    return;
  }
  function zone(minutes) {
    var east = -minutes;
    var whole = Math.abs(east);
    var hours = String(Math.floor(whole / 60));
    var rest = String(whole % 60);
    return "UTC" + (east >= 0 ? "+" : "-") + (hours.length < 2 ? "0" : "") + hours + ":" +
      (rest.length < 2 ? "0" : "") + rest;
  }
  function fill() {
    // A datetime-local value without a zone is read by Date as local time.
    var typed = field.value ? new Date(field.value) : new Date();
    var minutes = isNaN(typed.getTime()) ? new Date().getTimezoneOffset() : typed.getTimezoneOffset();
    offset.value = String(minutes);
    var read = document.getElementById("send-at-read");
    if (read) {
      read.textContent = "Read in your own time zone (" + zone(minutes) + " on that date); " +
        "the time is shown back in UTC and in yours.";
    }
  }
  var label = document.getElementById("send-at-zone");
  if (label) {
    label.textContent = "(your time)";
  }
  field.addEventListener("input", fill);
  field.addEventListener("change", fill);
  if (field.form) {
    field.form.addEventListener("submit", fill);
  }
  fill();
})();
