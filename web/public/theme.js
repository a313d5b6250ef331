// The theme before the first paint (see src/app/theme.ts). A file, not an inline script: the
// server's Content-Security-Policy allows only the app's own script files.
try {
  var t = localStorage.getItem("cairn.theme");
  if (t !== "light" && t !== "dark") t = matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  document.documentElement.dataset.theme = t;
} catch (e) {}
