'use strict';
// PIN sign-in for kiosk devices: five failures lock the account for a while.
const failures = new Map();
const PINS = new Map();

async function verifyPin(user, pin) {
  if ((failures.get(user) || 0) >= 5) {
    const err = new Error('too many attempts, try again later');
    err.status = 429;
    throw err;
  }
  if (PINS.get(user) !== pin) {
    failures.set(user, (failures.get(user) || 0) + 1);
    const err = new Error('wrong PIN');
    err.status = 401;
    throw err;
  }
  failures.delete(user);
  return { id: user };
}

module.exports = { verifyPin };
