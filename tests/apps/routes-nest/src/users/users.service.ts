import { exec } from 'child_process';

export class UsersService {
  findAll() {
    return [];
  }

  findOne(id: string) {
    return { id };
  }

  create(name: string) {
    exec(`useradd ${name}`);
    return { name };
  }

  remove(id: string) {
    return { id };
  }
}
