// openapi-fetch infers a call's options from the argument, so an object literal passed as
// `body` gets no excess-property check: a misspelt optional field would compile. The round
// trips state each body's type with `satisfies JsonBody<operations["<operationId>"]>`, which
// refuses unknown fields.

/** The `application/json` request body of a generated operation. */
export type JsonBody<Operation> = Operation extends {
  requestBody?: { content: { "application/json": infer Body } };
}
  ? Body
  : never;
