import { Injectable } from '@nestjs/common';

@Injectable()
export class StaffService {
  private readonly members = new Map<string, string>();

  invite(email: string) {
    const id = String(this.members.size + 1);
    this.members.set(id, email);
    return { id };
  }

  remove(id: string) {
    return { removed: this.members.delete(id) };
  }
}
