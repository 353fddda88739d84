import { Request, Response } from 'express';
import { UserService } from '@services/user-service';

const service = new UserService();

export const list = async (req: Request, res: Response) => {
  res.json(await service.search(req.query.q as string));
};

export const show = async (req: Request, res: Response) => {
  const { id } = req.params;
  res.send(`<h1>User ${id}</h1>`);
};

export async function create(req: Request, res: Response) {
  const user = await service.create(req.body);
  res.status(201).json(user);
}

export const remove = async (req: Request, res: Response) => {
  await service.remove(req.params.id);
  res.status(204).end();
};
