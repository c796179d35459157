// Progressive enhancement only: the copy buttons. Every page works without this script.
"use strict";

function copyField(field) {
  if (navigator.clipboard && window.isSecureContext) {
    return navigator.clipboard.writeText(field.value);
  }
  field.focus();
  field.select();
  return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy refused"));
}

document.querySelectorAll("button[data-copy]").forEach(function (button) {
  var field = document.getElementById(button.getAttribute("data-copy"));
  var status = document.getElementById(button.getAttribute("data-status"));
  if (!field) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    copyField(field).then(
      function () {
        if (status) status.textContent = "Copied to the clipboard.";
      },
      function () {
        field.focus();
        field.select();
        if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected address.";
      }
    );
  });
});
