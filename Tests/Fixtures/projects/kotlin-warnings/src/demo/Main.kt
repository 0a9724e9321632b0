package demo

@Deprecated("use newWay()")
fun oldWay(): Int = 1

fun newWay(): Int = 2

fun main() {
    println(oldWay()) // FAULT: deprecated
    val xs = listOf<Any>("a") as List<String> // FAULT: unchecked cast
    println(xs + newWay().toString())
}
