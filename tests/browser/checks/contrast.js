// The contrast of every piece of text inside the elements `selector` matches, as the
// browser paints it: the text's colour (with its own and its ancestors' opacity) laid over
// the background behind it, by the WCAG 2.2 formula. Returns [{text, ratio}].
(selector) => {
  const parse = (value) => {
    const [r, g, b, a = 1] = value.match(/[\d.]+/g).map(Number);
    return { r, g, b, a };
  };
  const over = (top, below) => ({
    r: top.r * top.a + below.r * (1 - top.a),
    g: top.g * top.a + below.g * (1 - top.a),
    b: top.b * top.a + below.b * (1 - top.a),
    a: 1,
  });
  const channel = (value) => {
    const v = value / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const luminance = ({ r, g, b }) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (element) => {
    const layers = [];
    for (let node = element; node; node = node.parentElement) {
      const colour = parse(getComputedStyle(node).backgroundColor);
      if (colour.a > 0) layers.push(colour);
      if (colour.a >= 1) break;
    }
    const white = { r: 255, g: 255, b: 255, a: 1 };
    return layers.reverse().reduce((below, top) => over(top, below), white);
  };
  const opacity = (element) => {
    let value = 1;
    for (let node = element; node; node = node.parentElement) {
      value *= Number(getComputedStyle(node).opacity);
    }
    return value;
  };
  const shown = (element) =>
    element.getClientRects().length && !element.closest(".nhsuk-u-visually-hidden");
  const found = [];
  for (const scope of document.querySelectorAll(selector)) {
    for (const element of [scope, ...scope.querySelectorAll("*")]) {
      const words = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!words || !shown(element)) continue;
      const colour = parse(getComputedStyle(element).color);
      colour.a *= opacity(element);
      const back = background(element);
      const [light, dark] = [luminance(over(colour, back)), luminance(back)].sort((x, y) => y - x);
      const ratio = (light + 0.05) / (dark + 0.05);
      found.push({ text: element.textContent.trim().slice(0, 40), ratio });
    }
  }
  return found;
}
