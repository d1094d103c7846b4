import type { AddressInfo } from 'node:net';
import type { Server } from 'restify';
import { BotError } from '../domain/errors.js';

/**
 * Starts listening; the errors an operator causes (a port in use, a privileged port, an address
 * this machine does not have) become one `config_invalid` line naming the variable, instead of
 * a stack trace. Answers the port actually bound (0 picks a free one).
 */
export async function listen(server: Server, port: number, host: string, portVariable: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) => reject(listenError(error, port, host, portVariable));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.removeListener('error', failed);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string, portVariable: string): Error {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new BotError('config_invalid', `${portVariable}: ${where} is already in use by another process (another instance of the bot?); stop it or choose another ${portVariable}`, { cause: error });
    case 'EACCES':
      return new BotError('config_invalid', `${portVariable}: not allowed to listen on ${where} (ports below 1024 need privileges); choose a port above 1023`, { cause: error });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new BotError('config_invalid', `HOST: ${host} is not a name this machine can resolve; give an address of this machine (127.0.0.1, 0.0.0.0)`, { cause: error });
    case 'EADDRNOTAVAIL':
      return new BotError('config_invalid', `HOST: ${host} is not an address of this machine`, { cause: error });
    default:
      return error;
  }
}
