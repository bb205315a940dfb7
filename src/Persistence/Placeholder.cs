namespace Alignak.Persistence; internal static class Placeholder { }
