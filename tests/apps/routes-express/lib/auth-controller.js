async function login(req, res) {
  const { email, password } = req.body;
  if (typeof email !== 'string' || typeof password !== 'string') {
    return res.status(400).end();
  }
  req.session.user = { email };
  res.json({ ok: true });
}

module.exports = { login };
