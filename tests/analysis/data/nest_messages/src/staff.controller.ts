import { Body, Controller, Delete, Param, Post, UseGuards, UsePipes, ValidationPipe } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { Throttle } from '@nestjs/throttler';
import { Roles } from './roles.decorator';
import { RolesGuard } from './roles.guard';
import { StaffService } from './staff.service';

class InviteDto {
  email!: string;
}

// No sink and no `req` here: compiled, only the decorators say this is a controller.
@Controller('staff')
@UseGuards(AuthGuard('jwt'), RolesGuard)
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Post('invite')
  @Throttle({ default: { limit: 5, ttl: 60000 } })
  @UsePipes(new ValidationPipe())
  invite(@Body() dto: InviteDto) {
    return this.staff.invite(dto.email);
  }

  @Delete(':id')
  @Roles('admin')
  remove(@Param('id') id: string) {
    return this.staff.remove(id);
  }
}
