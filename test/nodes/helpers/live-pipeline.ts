/**
 * A bridge on loopback with its pipeline loops and an in-process renderer worker, i.e. what
 * `reelay start` runs, so renders really happen (ffmpeg) and webhooks really go out.
 */
import { startInProcessRenderer } from '../../../bridge/src/inprocess-renderer';
import { startPipelineLoops } from '../../../bridge/src/renders/loops';
import { startBridge, type StartOptions, type TestBridge } from '../../helpers/bridge';

export async function startLivePipeline(opts: StartOptions = {}): Promise<TestBridge> {
  const bridge = await startBridge(opts);
  // The helper listens on a random port after the config was read; links it signs (movie urls,
  // uploads handed to the renderer) must point at that port.
  (bridge.services.config as { publicUrl: string }).publicUrl = bridge.url;
  startPipelineLoops(bridge.services);
  const stopWorker = await startInProcessRenderer(bridge.services);
  const stopBridge = bridge.stop.bind(bridge);
  bridge.stop = async () => {
    await stopWorker();
    await stopBridge();
  };
  return bridge;
}

/** Small and short, so a render takes about a second on two cores. */
export const TINY_MOVIE = {
  resolution: 'custom',
  width: 160,
  height: 90,
  scenes: [{ duration: 1, 'background-color': '#ff0000', elements: [{ type: 'text', text: 'n8n' }] }],
};
