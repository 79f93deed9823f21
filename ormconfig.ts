// DataSource for the TypeORM CLI (migration:run, migration:generate, the drift check).
import 'reflect-metadata';

import { DataSource } from 'typeorm';

import { dataSourceOptions } from './src/database/data-source-options';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required (npm start and npm test set it)');

export default new DataSource(dataSourceOptions(url, 'roster-cli'));
