namespace Granary.WebApi.Queries;

/// <summary>The 501 lists answer on memory storage.</summary>
internal static class ListProblems
{
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NeedsSql() => TypedResults.Problem(
        statusCode: StatusCodes.Status501NotImplemented,
        title: "Lists need SQL storage.",
        detail: "This silo keeps grain state in memory (Granary:Storage:Provider = Memory); lists are read from SQL, so they work on Sqlite or Postgres storage only.");
}
