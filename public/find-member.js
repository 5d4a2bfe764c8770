// Suggestions for "find a member" fields (components::forms::MemberField). Without this
// file the field still works: the server reads what was typed and, when several people
// match, shows them as choices. With it, members are suggested as one types, in the
// browser's own list (a <datalist>), and the one chosen is sent as `{name}_pick`.
const DELAY = 200;

function enhance(input) {
  if (input.dataset.enhanced) return;
  input.dataset.enhanced = '1';
  const form = input.form;
  const list = document.createElement('datalist');
  list.id = input.id + '-suggestions';
  input.after(list);
  input.setAttribute('list', list.id);
  let byLabel = new Map();
  let timer = 0;
  let asked = '';

  // The member chosen: a hidden field, in place of any choices the server offered.
  const name = input.dataset.pick;
  const radios = () => form.querySelectorAll('input[type=radio][name="' + name + '"]');
  function choose(id) {
    let hidden = form.querySelector('input[type=hidden][name="' + name + '"]');
    if (!id) {
      if (hidden) hidden.value = '';
      return;
    }
    radios().forEach((r) => { r.checked = false; });
    if (!hidden) {
      hidden = document.createElement('input');
      hidden.type = 'hidden';
      hidden.name = name;
      list.after(hidden);
    }
    hidden.value = id;
  }
  // Choosing one of the server's choices again sends that one alone.
  radios().forEach((r) => r.addEventListener('change', () => {
    const hidden = form.querySelector('input[type=hidden][name="' + name + '"]');
    if (hidden) hidden.remove();
  }));

  async function search(q) {
    asked = q;
    const body = new URLSearchParams(input.dataset.findWith || '');
    body.set('q', q);
    try {
      const res = await fetch(input.dataset.find, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body,
        credentials: 'same-origin',
      });
      if (!res.ok || asked !== q) return;
      const hits = await res.json();
      byLabel = new Map();
      list.replaceChildren(...hits.map((h) => {
        const label = h.display_name + ' (' + h.locality_name + ')';
        byLabel.set(label, h.user_id);
        const option = document.createElement('option');
        option.value = label;
        if (h.email) option.label = h.email;
        return option;
      }));
    } catch (_) {
      // No connection: the server reads what was typed when the form is sent.
    }
  }

  input.addEventListener('input', () => {
    const id = byLabel.get(input.value);
    choose(id || '');
    if (id) return;
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length >= 2) timer = setTimeout(() => search(q), DELAY);
  });
}

document.querySelectorAll('input[data-find]').forEach(enhance);
