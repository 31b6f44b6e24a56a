import type { Api, ApiOptions } from '@cloud-cloud/api/app';
import { openDatabase } from '@cloud-cloud/api/store/database';
import { AS_ADMIN, type GraphqlResponse } from './graphql.js';
import { buildTestApi } from './system.js';

export interface InProcessApi {
  api: Api;
  database: ReturnType<typeof openDatabase>;
  /** A GraphQL request answered in-process, as the HTTP port would answer it; as admin unless `headers` say otherwise. */
  graphql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphqlResponse<T>>;
  /** Closes the database and removes its directory. */
  close(): Promise<void>;
}

/** The API with a real SQLite file, answering requests without listening on any port. */
export function inProcessApi(options: Partial<ApiOptions> = {}): InProcessApi {
  const { api, database, data } = buildTestApi(options);
  return {
    api,
    database,
    async graphql(query, variables, headers = AS_ADMIN) {
      const response = await api.fetch(
        new Request('http://cloud-cloud.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query, variables }),
        }),
      );
      return (await response.json()) as GraphqlResponse<any>;
    },
    async close() {
      await api.stop();
      if (database.open) database.close();
      data.remove();
    },
  };
}
