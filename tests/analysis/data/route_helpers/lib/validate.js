'use strict';

const SHAPES = {
  item: { name: 'string', quantity: 'number' },
};

/** Rejects a body whose fields do not have the types of the named shape. */
function validateBody(shape) {
  const fields = SHAPES[shape];
  return (req, res, next) => {
    for (const [key, type] of Object.entries(fields)) {
      if (typeof req.body[key] !== type) {
        return res.status(400).json({ error: `${key} must be a ${type}` });
      }
    }
    return next();
  };
}

module.exports = { validateBody };
