namespace Alignak.Actors; internal static class Placeholder { }
