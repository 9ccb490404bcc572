// Ids used twice on the page, and text boxes whose label or hint belongs to another form.
// Returns [number of text boxes, [problems]].
() => {
  const problems = [];
  const ids = [...document.querySelectorAll("[id]")].map((element) => element.id);
  ids.forEach((id, i) => { if (ids.indexOf(id) !== i) problems.push(`twice: ${id}`); });
  const areas = document.querySelectorAll("textarea");
  for (const area of areas) {
    const form = area.closest("form");
    const labels = [...area.labels];
    if (labels.length !== 1 || labels[0].closest("form") !== form) {
      problems.push(`label of ${area.id}`);
    }
    for (const ref of area.getAttribute("aria-describedby").split(" ")) {
      const hint = document.getElementById(ref);
      if (!hint || hint.closest("form") !== form) problems.push(`hint ${ref}`);
    }
  }
  return [areas.length, problems];
}
