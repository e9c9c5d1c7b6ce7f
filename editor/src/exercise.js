// Exercises on this page: the editor and runner (editor.js, CodeMirror
// included, some 120 KiB compressed) are fetched only when an exercise comes
// near the screen, or is focused first, so that the lesson above it reads
// and scrolls as fast as a page without one.
const NEAR = "400px 0px";
const sections = [...document.querySelectorAll("section.exercise[data-exercise]")]
	// the authors' guide shows an exercise, it does not run one
	.filter((section) => !section.closest(".guide-example"));
let editor = null;
const started = new WeakSet();
const start = (section) => {
	if (started.has(section)) return;
	started.add(section);
	observer?.unobserve(section);
	editor ??= import("./editor.js");
	editor.then(({ start }) => start(section)).catch((error) => console.error(error));
};
const observer = "IntersectionObserver" in window
	? new IntersectionObserver((entries) => {
		for (const entry of entries) if (entry.isIntersecting) start(entry.target);
	}, { rootMargin: NEAR })
	: null;
for (const section of sections) {
	if (!observer) start(section);
	else observer.observe(section);
	section.addEventListener("focusin", () => start(section), { once: true });
}
