import jwt from 'jsonwebtoken';
import { Request, Response, NextFunction } from 'express';

export function authenticate(req: Request, res: Response, next: NextFunction) {
  const header = req.headers.authorization;
  if (!header) return res.status(401).end();
  try {
    (req as any).user = jwt.verify(header.slice(7), process.env.JWT_SECRET as string);
    next();
  } catch {
    res.status(401).end();
  }
}

export const authorize = (role: string) => (req: Request, res: Response, next: NextFunction) => {
  if ((req as any).user?.role !== role) {
    return res.sendStatus(403);
  }
  next();
};
