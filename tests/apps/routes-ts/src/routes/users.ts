import { Router } from 'express';
import * as controller from '../controllers/users';
import { authenticate, authorize } from '../middleware';

const router = Router();
router.get('/', authenticate, controller.list);
router.get('/:id', authenticate, controller.show);
router.post('/', controller.create);
router.delete('/:id', authenticate, authorize('admin'), controller.remove);
export default router;
