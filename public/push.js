// Alerts on this phone (notifications::pages::PushSection). The section is hidden in the
// page; this shows it only where the browser can take alerts, asks the browser for
// permission when the member presses the button, subscribes with the site's public key and
// gives the subscription to the server. The service worker (/sw.js) shows the alerts.
const section = document.getElementById('push');

function keyBytes(text) {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function b64url(buffer) {
  return btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function sameKey(sub, key) {
  const given = sub.options && sub.options.applicationServerKey;
  return !given || b64url(given) === b64url(key);
}

async function post(fn, fields) {
  const res = await fetch('/api/' + fn, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(fields),
  });
  if (!res.ok) throw new Error('status ' + res.status);
}

async function start() {
  if (!section || !('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return;
  const reg = await navigator.serviceWorker.ready;
  const key = keyBytes(section.dataset.key);
  const on = section.querySelector('[data-push=on]');
  const off = section.querySelector('[data-push=off]');
  const status = section.querySelector('.push-status');
  const say = (text) => { status.textContent = text; };
  const show = (subscribed) => {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    if (Notification.permission === 'denied') {
      say('This browser is set to block alerts from this site. You can allow them in the browser\u2019s settings for this site.');
      on.hidden = true;
    } else {
      say(subscribed ? 'Alerts are on for this phone.' : 'Alerts are off for this phone.');
    }
  };

  let sub = await reg.pushManager.getSubscription();
  if (sub && !sameKey(sub, key)) {
    // The site's key changed: the old subscription no longer works.
    await sub.unsubscribe();
    sub = null;
  }
  section.hidden = false;
  show(!!sub);

  on.addEventListener('click', async () => {
    on.disabled = true;
    try {
      if ((await Notification.requestPermission()) !== 'granted') return show(false);
      sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      const json = sub.toJSON();
      await post('save_push_subscription', { endpoint: json.endpoint, p256dh: json.keys.p256dh, auth: json.keys.auth });
      show(true);
    } catch (e) {
      if (sub) await sub.unsubscribe().catch(() => undefined);
      sub = null;
      show(false);
      say('Alerts could not be turned on. Please try again later.');
    } finally {
      on.disabled = false;
    }
  });

  off.addEventListener('click', async () => {
    off.disabled = true;
    try {
      if (sub) {
        await post('remove_push_subscription', { endpoint: sub.endpoint }).catch(() => undefined);
        await sub.unsubscribe();
      }
      sub = null;
      show(false);
    } finally {
      off.disabled = false;
    }
  });
}

start();
