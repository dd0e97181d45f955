"use strict";
// The meetings filter: a changed choice reloads the page with the filter in its URL.
document.querySelectorAll("[data-autosubmit]").forEach(function (field) {
  field.addEventListener("change", function () {
    field.form.requestSubmit();
  });
});
// Empty fields stay out of the URL, so a shared link holds only the filter that is set.
document.querySelectorAll("form#filters").forEach(function (form) {
  form.addEventListener("formdata", function (event) {
    for (const [name, value] of Array.from(event.formData.entries())) {
      if (value === "") {
        event.formData.delete(name);
      }
    }
  });
});
