async function lookupTarget(name) {
  const trimmed = name.trim();
  return trimmed;
}

module.exports = { lookupTarget };
