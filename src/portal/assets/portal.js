// The client portal's one script (no inline script: the CSP forbids it). Without it every
// page still works; with it the CSV upload shows its progress.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("upload");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var bar = document.getElementById("voortgang");
  var status = document.getElementById("status");
  var uploading = document.documentElement.lang === "en" ? "Uploading…" : "Bezig met versturen…";
  var working = document.documentElement.lang === "en" ? "Processing the claims…" : "De vorderingen worden verwerkt…";
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round((e.loaded / e.total) * 90); }
      status.textContent = uploading;
    });
    xhr.upload.addEventListener("load", function () {
      bar.value = 90;
      status.textContent = working;
    });
    xhr.addEventListener("load", function () {
      bar.value = 100;
      if (xhr.status === 200 && xhr.responseURL) {
        window.location.assign(xhr.responseURL);
      } else {
        document.open();
        document.write(xhr.responseText);
        document.close();
      }
    });
    form.querySelector("button[type=submit]").disabled = true;
    xhr.send(new FormData(form));
  });
});
