function deploy(req, res) {
  res.json({ rev: req.body.rev });
}
function saveSettings(req, res) {
  req.session.theme = req.body.theme;
  res.redirect('/settings');
}
function installNode(req, res) {
  res.json({ module: req.body.module });
}
module.exports = { deploy, saveSettings, installNode };
