// Loaded into the test page after Microsoft's Adaptive Cards SDK (window.AdaptiveCards, npm `adaptivecards`).
// renderCard(payload, hostConfig) parses, validates and renders one card into #host, the way a Teams web
// client does, and returns every event the SDK raised and the colours of every piece of text shown.
"use strict";

function describeEvent(e) {
  return {
    phase: AdaptiveCards.ValidationPhase[e.phase],
    event: AdaptiveCards.ValidationEvent[e.event],
    message: e.message,
  };
}

// Text inside native controls (buttons, inputs, dropdowns) is coloured by the client's stylesheet, not
// by the host config, so it is not measured here.
const CONTROLS = "button, input, textarea, select, option";

function isTransparent(color) {
  return color === "transparent" || /^rgba\(.*,\s*0\)$/.test(color);
}

function measureTexts(root) {
  const out = [];
  const seen = new Set();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || seen.has(element) || element.closest(CONTROLS)) continue;
    seen.add(element);
    const box = element.getBoundingClientRect();
    const style = getComputedStyle(element);
    if (!box.width || !box.height || style.visibility === "hidden") continue;
    // Background layers from the element outwards, up to the first opaque one.
    const backgrounds = [];
    for (let at = element; at; at = at.parentElement) {
      const background = getComputedStyle(at).backgroundColor;
      if (isTransparent(background)) continue;
      backgrounds.push(background);
      if (background.startsWith("rgb(")) break;
    }
    out.push({
      text: element.textContent.trim().slice(0, 100),
      color: style.color,
      backgrounds: backgrounds,
      fontSize: parseFloat(style.fontSize),
      fontWeight: parseInt(style.fontWeight, 10),
    });
  }
  return out;
}

window.renderCard = function (payload, hostConfig) {
  const host = document.getElementById("host");
  host.replaceChildren();
  const card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = new AdaptiveCards.HostConfig(hostConfig);
  const context = new AdaptiveCards.SerializationContext();
  card.parse(payload, context);
  const events = [];
  for (let i = 0; i < context.eventCount; i++) events.push(describeEvent(context.getEventAt(i)));
  for (const e of card.validateProperties().validationEvents) events.push(describeEvent(e));
  const element = card.render();
  if (!element) {
    events.push({ phase: "Render", event: "NotRendered", message: "render() returned nothing" });
    return { events: events, texts: [] };
  }
  host.appendChild(element);
  return { events: events, texts: measureTexts(element) };
};
