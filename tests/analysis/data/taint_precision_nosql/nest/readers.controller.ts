import { Body, Controller, Post } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { InjectRepository } from '@nestjs/typeorm';
import { Model } from 'mongoose';
import { Repository } from 'typeorm';

class Reader {
  email!: string;
}

class Subscription {
  email!: string;
}

@Controller('readers')
export class ReadersController {
  constructor(
    @InjectModel(Reader.name) private readonly readers: Model<Reader>,
    @InjectRepository(Subscription) private readonly subscriptions: Repository<Subscription>,
  ) {}

  @Post('find')
  async find(@Body() body: { email: string }) {
    // ruleid: NW113
    return this.readers.findOne({ email: body.email });
  }

  @Post('subscription')
  async subscription(@Body() body: { email: string }) {
    // ok: NW113
    return this.subscriptions.findOne({ where: { email: body.email } });
  }
}
