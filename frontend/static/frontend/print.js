/* Buttons marked data-print print the page (the receipt, the status page). */
document.addEventListener("click", function (event) {
  var target = event.target.closest ? event.target.closest("[data-print]") : null;
  if (target) window.print();
});
