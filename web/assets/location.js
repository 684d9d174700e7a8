// "Use my current location" on the tip form: progressive enhancement only. Without JavaScript
// (or without geolocation) the button stays hidden and the lat/lon inputs are typed by hand.
// The messages come from the page itself (data-* attributes), in the page's language.
// The form loads this one script, which brings the file picker that sends a tip with files
// (attachments.js).
import './attachments.js';

const button = document.getElementById('use-location');
const lat = document.getElementById('lat');
const lon = document.getElementById('lon');
const statusLine = document.getElementById('location-status');

if (button && lat && lon && 'geolocation' in navigator) {
  const say = (message) => {
    if (statusLine) statusLine.textContent = message ?? '';
  };
  button.hidden = false;
  button.addEventListener('click', () => {
    button.disabled = true;
    say(button.dataset.locating);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        // Six decimals is about 10 cm: more than enough, and what the form accepts.
        lat.value = position.coords.latitude.toFixed(6);
        lon.value = position.coords.longitude.toFixed(6);
        button.disabled = false;
        say(button.dataset.located);
      },
      (error) => {
        button.disabled = false;
        say(error.code === error.PERMISSION_DENIED ? button.dataset.denied : button.dataset.failed);
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
}

// The form's one-time token: sending the same form twice (a reload, Back and send again) gives
// the same tip back instead of a second one. Drawn once per page; a page restored from the
// browser's cache keeps the token it had, which is the point. Without JavaScript the form is
// sent without one and still accepted.
const token = document.getElementById('form-token');
if (token && !token.value && globalThis.crypto?.getRandomValues) {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  token.value = btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_');
}
