// Every migration in order. Listed explicitly so ts-node, ts-jest and compiled JS load the same set.
import { Foundation1795508400000 } from './1795508400000-Foundation';
import { ScimResources1795509300000 } from './1795509300000-ScimResources';
import { Sessions1795509400000 } from './1795509400000-Sessions';
import { RolesAndSigningKeys1795509500000 } from './1795509500000-RolesAndSigningKeys';
import { AuditSearch1795509600000 } from './1795509600000-AuditSearch';
import { ScimTimeIndexes1795509700000 } from './1795509700000-ScimTimeIndexes';

export const MIGRATIONS = [
  Foundation1795508400000,
  ScimResources1795509300000,
  Sessions1795509400000,
  RolesAndSigningKeys1795509500000,
  AuditSearch1795509600000,
  ScimTimeIndexes1795509700000,
];
