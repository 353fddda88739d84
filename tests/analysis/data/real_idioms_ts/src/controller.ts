import { NextFunction, Request, Response } from 'express';

type Permission = string | string[];

// A permission factory: the request carries an RBAC checker set by the auth layer.
export const checkPermission = (permission: Permission = []) => async (req: any, res: Response, next: NextFunction) => {
  const wanted = (Array.isArray(permission) ? permission : [permission]).filter((p) => p !== 'NONE');
  if (!wanted.length) {
    return next();
  }
  if (req.checkRbac && (await req.checkRbac(wanted))) {
    return next();
  }
  return res.status(403).json({ error: 'forbidden', wanted }).end();
};

// Looks like a guard by its answer, but checks nothing the caller controls.
export const stamp = () => (req: Request, res: Response, next: NextFunction) => {
  res.setHeader('x-served-by', 'flag-console');
  next();
};

const access = { hasAccess: (req: any): boolean => Boolean(req.session && req.session.visitor) };

// Sends visitors who already have access away from the access form: it guards nothing.
export function awayIfAllowed(req: Request, res: Response, next: NextFunction) {
  if (access.hasAccess(req)) {
    return res.redirect('/');
  }
  return next();
}
