import { Injectable } from '@nestjs/common';

type Listener = (tenantId: string) => Promise<void>;

/**
 * Tenants sit at the bottom of the module graph, so they announce changes instead of calling
 * the modules above (access keys drop cached keys of a disabled or deleted tenant).
 */
@Injectable()
export class TenantEvents {
  private readonly listeners: Listener[] = [];

  onChanged(listener: Listener): void {
    this.listeners.push(listener);
  }

  async changed(tenantId: string): Promise<void> {
    await Promise.all(this.listeners.map((listener) => listener(tenantId)));
  }
}
