import { GraphQLError, Kind, type DocumentNode, type ExecutionArgs, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ApiContext } from '../context.js';
import { ApiErrorCode } from '@cloud-cloud/contract/api-errors';

/** What a caller without credentials may run: logging in, and nothing else. */
const OPEN_FIELDS = new Set(['login', '__typename']);

/**
 * Refuses every operation from a caller without credentials except `login`. This covers
 * introspection too, which per-field auth scopes do not see.
 */
export function useRequireCredentials(): Plugin<ApiContext> {
  // envelop leaves its execution arguments untyped; these are graphql-js's, with our context.
  const refuse = (args: unknown) => {
    const { document, operationName, contextValue } = args as ExecutionArgs & { contextValue: ApiContext };
    return contextValue.principal.kind === 'anonymous' && !onlyOpenFields(document, operationName);
  };
  const error = new GraphQLError('log in, or send an API token as "Authorization: Bearer <token>"', {
    extensions: { code: ApiErrorCode.Unauthenticated, http: { status: 401 } },
  });
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (refuse(args)) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      if (refuse(args)) setResultAndStopExecution({ errors: [error] });
    },
  };
}

function onlyOpenFields(document: DocumentNode, operationName: string | null | undefined): boolean {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  if (!operation) return true;
  return operation.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && OPEN_FIELDS.has(selection.name.value));
}
