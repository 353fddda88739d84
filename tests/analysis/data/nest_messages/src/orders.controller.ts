import { exec } from 'child_process';
import { readFile } from 'fs/promises';
import { join } from 'path';
import { Body, Controller, Get, Headers, Param, ParseIntPipe, Post, Query, Res, ValidationPipe } from '@nestjs/common';
import type { Response } from 'express';

const ORDER_ID = 'orderId';

class SearchDto {
  term!: string;
}

@Controller('orders')
export class OrdersController {
  @Post('notify')
  notify(@Body('email') email: string) {
    // ruleid: NW110
    exec(`send-receipt --to ${email}`);
    return { queued: true };
  }

  @Get('invoice')
  async invoice(@Query('file') file: string) {
    // ruleid: NW114
    return readFile(join('/srv/invoices', file), 'utf8');
  }

  @Get(':id/print')
  print(@Param('id') id: string) {
    // ruleid: NW110
    exec('lp /srv/orders/' + id + '.pdf');
    return { printing: id };
  }

  @Get('back')
  back(@Headers('referer') referer: string, @Res() res: Response) {
    // ruleid: NW116
    res.redirect(referer);
  }

  @Post('archive')
  archive(@Body() dto: { name: string }) {
    // ruleid: NW110
    exec(`tar czf /srv/archive/${dto.name}.tgz /srv/orders`);
    return { archived: dto.name };
  }

  @Get('search')
  search(@Query(new ValidationPipe({ transform: true })) q: SearchDto) {
    // ruleid: NW110
    exec(`grep -rl ${q.term} /srv/orders`);
    return [];
  }

  @Post(':orderId/label')
  label(@Param(ORDER_ID) orderId: string) {
    // ruleid: NW110
    exec(`print-label ${orderId}`);
    return { printed: orderId };
  }

  @Post(':n/reprint')
  reprint(@Param('n', ParseIntPipe) n: number) {
    // ok: NW110
    exec(`lp -n ${n} /srv/orders/last.pdf`);
    return { copies: n };
  }
}
