// Every migration in order. Listed explicitly so ts-node, ts-jest and compiled JS load the same set.
import { Foundation1795508400000 } from './1795508400000-Foundation';

export const MIGRATIONS = [Foundation1795508400000];
