import { type LoadedModel, parseModelFile } from '../model/model-file';
import { parseLocation } from '../storage/location';
import { type CompleteRun, findCompleteRun } from '../storage/run-store';
import { type StorageOptions, storeAt } from '../storage/stores';

/**
 * The model of the complete run at `location`: a run directory, or an output
 * location whose `latest` pointer names the run. Incomplete runs are never read.
 */
export async function loadModel(
  location: string,
  storage?: StorageOptions,
): Promise<LoadedModel & { run: CompleteRun }> {
  const run = await findCompleteRun(storeAt(parseLocation(location), storage));
  const model = parseModelFile((await run.read('model.json')).toString('utf8'), `${run.description}/model.json`);
  return { ...model, run };
}
