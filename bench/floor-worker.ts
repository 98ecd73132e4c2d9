// The floor sketch's second thread (bench/floor.ts): the function bodies of the texts it is given
// parsed, while the thread that started it reads the declarations. A bundle of its own, so that
// the thread compiles only the lexer, the parser and the sketch, as a design's reading thread would.
import { parentPort, workerData } from 'node:worker_threads';
import { floorBodies } from './floor';

parentPort!.postMessage(floorBodies(workerData as string[]));
