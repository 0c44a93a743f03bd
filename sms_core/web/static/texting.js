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
