const config = require('./config');

// Where to send a reader after sign-in: the page they came from, if it is on this site.
function afterSignIn({ mode, back, ok }) {
  if (!back || !back.startsWith(config.siteUrl)) {
    return `${config.siteUrl}account/?ok=${ok}`;
  }
  const target = new URL(back);
  target.searchParams.set('ok', String(ok));
  if (mode === 'welcome') {
    target.searchParams.set('welcome', '1');
  }
  return target.href;
}

// The raw target, for callers that checked it themselves.
function rawTarget({ back }) {
  return back;
}

module.exports = { afterSignIn, rawTarget };
