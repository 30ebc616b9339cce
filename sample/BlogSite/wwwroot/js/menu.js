// The small-screen menu is a <details>: it opens and closes without this script. The script keeps the button's
// aria-expanded in step with it, and closes it on Escape (giving the focus back to the button).
document.querySelectorAll("details.menu").forEach(function (menu) {
    var button = menu.querySelector("summary");
    function sync() { button.setAttribute("aria-expanded", menu.open ? "true" : "false"); }
    menu.addEventListener("toggle", sync);
    menu.addEventListener("keydown", function (e) {
        if (e.key === "Escape" && menu.open) {
            menu.open = false;
            button.focus();
        }
    });
    sync();
});
