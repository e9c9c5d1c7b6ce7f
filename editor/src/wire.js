// The wire view on this page's demos: the view itself (wire-view.js) is
// fetched the first time a learner opens one, so that a demo page loads
// nothing more for it until then.
let view = null;
for (const details of document.querySelectorAll("details.wire-view")) {
	details.addEventListener("toggle", () => {
		if (!details.open || details.dataset.started) return;
		details.dataset.started = "1";
		view ??= import("./wire-view.js");
		view.then(({ start }) => start(details)).catch((error) => console.error(error));
	});
}
