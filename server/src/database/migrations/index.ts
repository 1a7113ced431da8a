import type { MigrationInterface } from 'typeorm';
import { Foundation1795435012480 } from './1795435012480-Foundation.js';

/** Every migration in order. Add new ones at the end; never edit one that has landed. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [Foundation1795435012480];
