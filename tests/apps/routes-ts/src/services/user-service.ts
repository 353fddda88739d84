import { Pool } from 'pg';
import { exec } from 'child_process';

const pool = new Pool();

export class UserService {
  async search(q: string) {
    const { rows } = await pool.query(`SELECT * FROM users WHERE name LIKE '%${q}%'`);
    return rows;
  }

  async create(data: { name: string }) {
    exec(`mkdir /home/${data.name}`);
    return pool.query('INSERT INTO users(name) VALUES ($1)', [data.name]);
  }

  async remove(id: string) {
    return pool.query('DELETE FROM users WHERE id = $1', [id]);
  }
}
