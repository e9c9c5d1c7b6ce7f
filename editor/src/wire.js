// The wire view on this page's demos, the terminal twins (their origin and
// their taps), the lab's proxy note and its latency waterfall: each one's code (wire-view.js, waterfall.js) is
// fetched the first time a learner uses it, so that a demo page loads
// nothing more for them until then.
let view = null;
// The terminal twins' commands name this server: the page's own origin
// (the page is cached, so the server writes `this-server` there).
const here = { origin: location.origin, hostname: location.hostname, ws: location.origin.replace("http", "ws") };
for (const part of document.querySelectorAll("[data-twin-at]")) part.textContent = here[part.dataset.twinAt];
// The lab's proxy note: this page came over HTTPS on a port that is not one
// of the lab's lanes, so a proxy in front of this server answered.
const lab = document.querySelector("[data-lab-ports]");
const proxied = document.getElementById("lab-proxy-note");
if (lab && proxied && location.protocol === "https:" && !lab.dataset.labPorts.split(" ").includes(location.port)) proxied.hidden = false;
for (const details of document.querySelectorAll("details.wire-view")) {
	details.addEventListener("toggle", () => {
		if (!details.open || details.dataset.started) return;
		details.dataset.started = "1";
		view ??= import("./wire-view.js");
		view.then(({ start }) => start(details)).catch((error) => console.error(error));
	});
}
for (const button of document.querySelectorAll("[data-twin-tap]")) {
	button.addEventListener("click", () => {
		button.disabled = true;
		view ??= import("./wire-view.js");
		view.then(({ tapTerminal }) => tapTerminal(button.closest(".terminal-twin"))).catch((error) => console.error(error));
	});
}
// The lab's latency waterfall (waterfall.js), fetched the first time a learner runs it.
let waterfall = null;
for (const details of document.querySelectorAll("details.lab-waterfall")) {
	const button = details.querySelector("[data-waterfall-run]");
	button.hidden = false;
	details.querySelector(".wire-nojs").hidden = true;
	button.addEventListener("click", () => {
		waterfall ??= import("./waterfall.js");
		waterfall.then(({ runWaterfall }) => runWaterfall(details)).catch((error) => console.error(error));
	});
}
