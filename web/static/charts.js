"use strict";
// Every chart: its Vega-Lite spec (which reads the CSV beside it), drawn as SVG. The expression
// interpreter keeps Vega from compiling code at run time, so the CSP needs no 'unsafe-eval'.
(function () {
  const options = {
    actions: false,
    renderer: "svg",
    ast: true,
    expr: vega.expressionInterpreter,
    defaultStyle: false,
    tooltip: { disableDefaultStyle: true },
  };

  function draw(box, url) {
    box.dataset.rendered = "false";
    return vegaEmbed(box, url, options)
      .then(function () {
        box.dataset.rendered = "true";
      })
      .catch(function (error) {
        box.dataset.rendered = "error";
        box.textContent = "The chart could not be drawn: " + error;
      });
  }

  document.querySelectorAll(".vega").forEach(function (box) {
    draw(box, box.dataset.spec);
  });

  document.querySelectorAll("[data-unit]").forEach(function (button) {
    button.addEventListener("click", function () {
      const section = button.closest(".chart");
      const box = section.querySelector(".vega");
      const unit = button.dataset.unit;
      section.querySelectorAll("[data-unit]").forEach(function (other) {
        other.setAttribute("aria-pressed", String(other === button));
      });
      section.querySelector("a.csv").href = "/charts/timeline.csv?unit=" + unit;
      box.dataset.unit = unit;
      draw(box, "/charts/timeline.vl.json?unit=" + unit);
    });
  });
})();
