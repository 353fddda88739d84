module.exports = function (req, res {
  const x = ;
  res.send(req.query.x
