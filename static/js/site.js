// Progressive enhancement only: every page works without this file.
// Drop a form's empty choices from htmx requests, so pushed URLs stay short and shareable
// (/rivalries/x/?kind=quote rather than ?kind=quote&year=&event=&speaker=).
document.addEventListener("htmx:configRequest", (event) => {
  const params = event.detail.parameters;
  for (const key of Array.from(params.keys ? params.keys() : Object.keys(params))) {
    const value = params.get ? params.get(key) : params[key];
    if (value === "") {
      params.delete ? params.delete(key) : delete params[key];
    }
  }
});
